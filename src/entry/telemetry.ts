import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Starts the OpenTelemetry SDK when the standard OTEL_* variables ask for it (off otherwise): an exporter
 * endpoint or an explicit traces exporter. The SDK reads the rest of OTEL_* itself.
 */
export async function startTelemetry(env: NodeJS.ProcessEnv): Promise<NodeSDK | undefined> {
  const wanted =
    env.OTEL_SDK_DISABLED !== 'true' &&
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_TRACES_EXPORTER && env.OTEL_TRACES_EXPORTER !== 'none'));
  if (!wanted) return undefined;
  // Loaded only when wanted: the SDK and its exporters take a while to import.
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? 'vigie' });
  sdk.start();
  return sdk;
}
