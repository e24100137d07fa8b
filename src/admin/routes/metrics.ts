/**
 * GET /metrics: Prometheus text format on the admin port, behind the app's authentication (an
 * API token for the scraper, `Authorization: Bearer vigie_…`, or a browser session). One fresh
 * prom-client Registry per app; every value is read at scrape time from ctx.status(), the loaded
 * lists and config.db, so nothing is added to the DNS hot path (the resolver only bumps its
 * plain counters). The upstream latency histogram is rebuilt from the resolver's bucket counts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { AdminContext, ServiceStatus } from '../context.js';

/** The outcomes of `vigie_dns_answers_total` and the counter each one reads. */
const OUTCOMES = {
  blocked: 'blocked', cached: 'cached', stale: 'stale', forwarded: 'forwarded', refused: 'refused',
  rate_limited: 'rateLimited', servfail: 'servfail', local: 'local',
} as const;

const count = (s: ServiceStatus, key: string): number => {
  const v = s.counters[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
};

/**
 * A histogram whose bucket counts are already counted (by the resolver): prom-client's Histogram
 * only observes values one by one, so this is a custom collector with the same output shape.
 */
function latencyHistogram(ctx: AdminContext): Metric {
  const name = 'vigie_upstream_latency_seconds';
  const collector = {
    name,
    help: 'Time the upstream DNS servers took to answer, since start',
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const h = ctx.status().upstreamLatency;
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      let cumulative = 0;
      h?.boundsMs.forEach((bound, i) => {
        cumulative += h.counts[i] ?? 0;
        values.push({ metricName: `${name}_bucket`, labels: { le: bound / 1000 }, value: cumulative });
      });
      const total = h ? h.counts.reduce((a, b) => a + b, 0) : 0;
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: total });
      values.push({ metricName: `${name}_sum`, labels: {}, value: (h?.sumMs ?? 0) / 1000 });
      values.push({ metricName: `${name}_count`, labels: {}, value: total });
      return { name, help: collector.help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {},
  };
  // Registry.registerMetric only needs name, help, type and get(); the typings ask for a class.
  return collector as unknown as Metric;
}

/** Builds the registry of one admin app. */
export function createMetricsRegistry(ctx: AdminContext): Registry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, read: (s: ServiceStatus) => number): void => void new Counter({
    name, help, registers,
    collect() {
      this.reset();
      this.inc(read(ctx.status()));
    },
  });
  counter('vigie_dns_queries_total', 'DNS queries answered since start', (s) => count(s, 'queries'));
  counter('vigie_cache_hits_total', 'Queries answered from the cache (fresh) since start', (s) => count(s, 'cached'));
  counter('vigie_upstream_queries_total', 'Queries sent to the upstream DNS servers since start', (s) => count(s, 'upstreamQueries'));
  new Counter({
    name: 'vigie_dns_answers_total', help: 'DNS answers since start, by outcome', labelNames: ['outcome'], registers,
    collect() {
      const s = ctx.status();
      this.reset();
      for (const [outcome, key] of Object.entries(OUTCOMES)) this.labels(outcome).inc(count(s, key));
    },
  });
  new Counter({
    name: 'vigie_dns_blocked_total', help: 'Blocked answers since start, by category', labelNames: ['category'], registers,
    collect() {
      this.reset();
      for (const [category, n] of Object.entries(ctx.status().blockedByCategory ?? {})) if (n > 0) this.labels(category).inc(n);
    },
  });
  new Counter({
    name: 'vigie_upstream_failures_total', help: 'Upstream queries that failed since start, by kind', labelNames: ['kind'], registers,
    collect() {
      const s = ctx.status();
      this.reset();
      this.labels('timeout').inc(count(s, 'upstreamTimeouts'));
      this.labels('error').inc(count(s, 'upstreamErrors'));
    },
  });
  registry.registerMetric(latencyHistogram(ctx));
  new Gauge({
    name: 'vigie_upstream_up', help: '1 when the upstream DNS server answers, 0 while it is marked down', labelNames: ['server'], registers,
    collect() {
      this.reset();
      for (const u of ctx.status().upstreams) this.labels(u.server).set(u.down ? 0 : 1);
    },
  });
  new Gauge({
    name: 'vigie_list_entries', help: 'Rules in each loaded blocklist', labelNames: ['list', 'category'], registers,
    collect() {
      this.reset();
      for (const list of ctx.policy.catalog.lists) this.labels(list.id, list.category).set(list.entries);
    },
  });
  new Gauge({
    name: 'vigie_devices', help: 'Devices seen on the network: known (given a profile by a parent) or new', labelNames: ['state'], registers,
    collect() {
      const row = ctx.db.prepare('SELECT count(profile_id) AS known, count(*) - count(profile_id) AS new FROM devices').get() as { known: number; new: number };
      this.labels('known').set(row.known);
      this.labels('new').set(row.new);
    },
  });
  return registry;
}

/** GET /metrics (authenticated like every non-public route). */
export const metricsRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const registry = createMetricsRegistry(ctx);
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
};
