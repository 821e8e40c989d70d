// The port for reading metrics, apart from the route so that deps.ts can name it without importing the route.
/** The Prometheus text of the metrics (docs/metrics.md), from the entry that installed the SDK. */
export interface MetricsScraper {
  scrape(): Promise<string>;
}
