#!/usr/bin/env node
// A real OTLP receiver on free ports: @elastic/mockotlpserver through its library API (its CLI has
// fixed ports 4317/4318, which a Collector running beside the tests would already hold).
// Prints one line {"listening": {"grpc": PORT, "http": PORT}} once both listen, then one JSON
// document per received request, as the CLI's trace-json/metrics-json/logs-json printers do.
// Needs NODE_PATH to hold the node_modules that @elastic/mockotlpserver is installed in.
'use strict';
const {MockOtlpServer} = require('@elastic/mockotlpserver');
const {jsonStringifyTrace, jsonStringifyMetrics, jsonStringifyLogs} = require('@elastic/mockotlpserver/lib/normalize');

const hostname = process.env.OTLP_RECEIVER_HOST || '127.0.0.1';
const grpcPort = Number(process.env.OTLP_RECEIVER_GRPC_PORT || 0);
const httpPort = Number(process.env.OTLP_RECEIVER_HTTP_PORT || 0);
const print = (fn) => (data) => {
  try {
    process.stdout.write(fn(data, {normAttributes: true}) + '\n');
  } catch (err) {
    process.stderr.write('cannot print a request: ' + err + '\n');
  }
};

// OTLP_RECEIVER_PRINT=span-counts: one line {"spanCounts": {TRACE_ID: SPANS, ...}} per trace request
// instead of the whole request as JSON (a benchmark counting spans needs no more, and printing
// every span would cost more CPU than the telemetry it measures); metrics and logs print nothing.
const hex = (id) => typeof id === 'string' ? id : Buffer.from(id).toString('hex');
const countSpans = (trace) => {
  const counts = {};
  for (const rs of trace.resourceSpans || []) {
    for (const ss of rs.scopeSpans || []) {
      for (const span of ss.spans || []) {
        const id = hex(span.traceId);
        counts[id] = (counts[id] || 0) + 1;
      }
    }
  }
  process.stdout.write(JSON.stringify({spanCounts: counts}) + '\n');
};
const countsOnly = process.env.OTLP_RECEIVER_PRINT === 'span-counts';

async function main() {
  const server = new MockOtlpServer({
    logLevel: 'warn',
    services: ['grpc', 'http'],
    grpcHostname: hostname,
    grpcPort,
    httpHostname: hostname,
    httpPort,
    onTrace: countsOnly ? countSpans : print(jsonStringifyTrace),
    onMetrics: countsOnly ? () => {} : print(jsonStringifyMetrics),
    onLogs: countsOnly ? () => {} : print(jsonStringifyLogs),
  });
  await server.start();
  process.stdout.write(JSON.stringify({listening: {grpc: Number(server.grpcUrl.port), http: Number(server.httpUrl.port)}}) + '\n');
  const stop = () => server.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write('otlp-receiver: ' + (err && err.stack || err) + '\n');
  process.exit(1);
});
