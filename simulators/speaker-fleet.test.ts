// The speaker fleet against the engine's MQTT speaker driver (MqttSpeakerChannel).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../alerting/channel.ts';
import { MqttSpeakerChannel } from '../alerting/channels/mqtt-speaker-channel.ts';
import { startSpeakerFleet, type SpeakerFleet } from './speaker-fleet.ts';

const ACK_TIMEOUT_MS = 300;
const ACK_DELAY_MS = 40;

const toDevice = (device: string, key = `evt-1|${device}|speaker-mqtt`, text = '敖江水位超过保证水位，危险区群众请立即转移。'): Message => ({
  key,
  recipient: { kind: 'speaker', id: `spk-${device}`, name: device, device },
  lang: 'zh',
  title: '',
  text,
  tier: 'orange',
  priority: 2,
  events: [],
});

describe('speaker fleet', () => {
  let fleet: SpeakerFleet;
  let channel: MqttSpeakerChannel;

  before(async () => {
    fleet = await startSpeakerFleet({ devices: ['DA-001', 'XA-001'], busy: ['BZ-001'], dead: ['XY-001'], ackDelayMs: ACK_DELAY_MS });
    channel = new MqttSpeakerChannel({ url: fleet.url, ackTimeoutMs: ACK_TIMEOUT_MS });
  });

  after(async () => {
    await channel.close();
    await fleet.stop();
  });

  it('listens on loopback', () => {
    assert.match(fleet.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fleet.url, `mqtt://127.0.0.1:${fleet.port}`);
  });

  it('a speaker plays the command after its delay and acknowledges it: delivered', async () => {
    const m = toDevice('DA-001');
    const t0 = Date.now();
    assert.deepEqual(await channel.send(m), { state: 'delivered', ref: m.key });
    assert.ok(Date.now() - t0 >= ACK_DELAY_MS - 5);
    assert.deepEqual(fleet.played().map(({ device, id, text }) => ({ device, id, text })), [{ device: 'DA-001', id: m.key, text: m.text }]);
  });

  it('a repeated id is acknowledged but not played again', async () => {
    const m = toDevice('XA-001', 'evt-2|XA-001|speaker-mqtt');
    assert.equal((await channel.send(m)).state, 'delivered');
    assert.equal((await channel.send(m)).state, 'delivered');
    assert.equal(fleet.played().filter((p) => p.id === m.key).length, 1);
    assert.deepEqual(fleet.repeats().map((r) => [r.device, r.id]), [['XA-001', m.key]]);
    assert.equal(fleet.received().filter((r) => r.id === m.key).length, 2);
  });

  it('a busy speaker answers busy (retry) and plays nothing', async () => {
    assert.deepEqual(await channel.send(toDevice('BZ-001')), { state: 'failed', reason: 'speaker BZ-001 busy: playing another broadcast', retry: true });
    assert.equal(fleet.played().filter((p) => p.device === 'BZ-001').length, 0);
  });

  it('a dead speaker takes the command and never answers: the channel times out', async () => {
    const t0 = Date.now();
    assert.deepEqual(await channel.send(toDevice('XY-001')), { state: 'failed', reason: 'no acknowledgement within 0.3s', retry: true });
    assert.ok(Date.now() - t0 >= ACK_TIMEOUT_MS - 5);
    assert.deepEqual(fleet.received().filter((r) => r.device === 'XY-001').map((r) => r.id), ['evt-1|XY-001|speaker-mqtt']);
    assert.equal(fleet.played().filter((p) => p.device === 'XY-001').length, 0);
  });

  it('several speakers at once each play their own command', async () => {
    const [a, b] = [toDevice('DA-001', 'evt-3|DA-001', '甲'), toDevice('XA-001', 'evt-3|XA-001', '乙')];
    const outcomes = await Promise.all([channel.send(a), channel.send(b)]);
    assert.deepEqual(outcomes.map((o) => o.state), ['delivered', 'delivered']);
    assert.deepEqual(fleet.played().filter((p) => p.id.startsWith('evt-3')).map((p) => `${p.device}:${p.text}`).sort(), ['DA-001:甲', 'XA-001:乙']);
  });
});
