import { metrics, type Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MetricsScraper } from '../telemetry/metrics-scraper.js';

export interface NodeMetrics {
  meter: Meter;
  scraper: MetricsScraper;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry metrics SDK with a pull reader: the Prometheus exporter without its own HTTP server
 * (`/_vigie/metrics` serves its text, behind Vigie's access rule). Set as the global meter provider, so that
 * `@opentelemetry/api` meters in the core report here.
 */
export function startMetrics(): NodeMetrics {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  return {
    meter: provider.getMeter('vigie'),
    scraper: {
      async scrape() {
        const { resourceMetrics } = await exporter.collect();
        return serializer.serialize(resourceMetrics);
      },
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
