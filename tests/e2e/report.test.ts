/**
 * The weekly report from real DNS traffic: queries from two devices (127.0.0.2 and .3) at chosen
 * local times reach the report in the right device, category, day and hour, with their lookups.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateWeeklyReport } from '../../src/report/generate-report.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const LEA = '127.0.0.2';
const TOM = '127.0.0.3';
// Week 2026-W48 (Monday 23 - Sunday 29 November), Europe/Paris (UTC+1).
let now = Date.UTC(2026, 10, 23, 12, 0);
const paris = (day: number, hour: number, minute = 0): number => Date.UTC(2026, 10, day, hour - 1, minute);

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'homework.example.test': [{ type: 'A', value: '127.8.0.1' }] });
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url }, { clock: () => now });
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

it('puts each device’s blocked attempts in the right category, day and hour', async () => {
  now = paris(24, 21, 15); // Tuesday 21:15
  await ask(vigie.port, 'coco.gg', 'A', { from: LEA });
  await ask(vigie.port, 'www.coco.gg', 'A', { from: LEA });
  await ask(vigie.port, 'homework.example.test', 'A', { from: LEA });
  now = paris(27, 16, 40); // Friday 16:40
  await ask(vigie.port, 'tinder.com', 'A', { from: TOM });
  await ask(vigie.port, 'dns.google', 'A', { from: TOM });
  now = paris(29, 23, 59); // Sunday 23:59, still this week
  await ask(vigie.port, 'ome.tv', 'A', { from: LEA });
  vigie.blockedLog.flush();
  vigie.dailyCounter.flush();
  await vigie.devices.tracker!.flush();

  const report = await generateWeeklyReport({
    logsFile: join(vigie.dataDir, 'logs.db'), configFile: join(vigie.dataDir, 'config.db'), listsDir: join(process.cwd(), 'lists'), timeZone: 'Europe/Paris', week: '2026-W48', now: paris(30, 9),
  });
  expect(report.week.id).toBe('2026-W48');
  const lea = report.devices.find((d) => d.id === `ip:${LEA}`)!;
  const tom = report.devices.find((d) => d.id === `ip:${TOM}`)!;
  expect(lea.totals.blocked).toBe(3);
  expect(lea.byCategory.find((c) => c.category === 'anonymous-chat')?.count).toBe(2);
  expect(lea.byCategory.find((c) => c.category === 'random-video-chat')?.count).toBe(1);
  expect(lea.byDay).toEqual([0, 2, 0, 0, 0, 0, 1]);
  expect(lea.heatmap[1]![21]).toBe(2);
  expect(lea.heatmap[6]![23]).toBe(1);
  expect(lea.firstEver.map((f) => f.category).sort()).toEqual(['anonymous-chat', 'random-video-chat']);
  expect(lea.totals.queries).toBe(4); // three blocked + homework
  expect(tom.totals.blocked).toBe(2);
  expect(tom.byCategory.map((c) => c.category).sort()).toEqual(['bypass', 'dating']);
  expect(tom.byDay).toEqual([0, 0, 0, 0, 2, 0, 0]);
  expect(tom.heatmap[4]![16]).toBe(2);
  expect(tom.bypass.count).toBe(1);
  expect(report.home.blocked).toBe(5);
  expect(report.newDevices.map((d) => d.id).sort()).toEqual([`ip:${LEA}`, `ip:${TOM}`]);
});
