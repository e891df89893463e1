import { Writable } from 'node:stream';
import { createLogger, requestLogger, traceIdOf } from '../../shared/log';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('structured logs', () => {
  it('write one JSON line with Cloud Logging severity and message', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.warn({ slotId: 's1' }, 'slot is stuck');
    logger.debug('not shown at info');
    const [line, ...rest] = out.lines();
    expect(rest).toHaveLength(0);
    expect(line).toMatchObject({ severity: 'WARNING', message: 'slot is stuck', slotId: 's1' });
    expect(line).not.toHaveProperty('level');
    expect(typeof line?.time).toBe('string');
  });

  it('carry the trace of the request that wrote them', () => {
    const out = capture();
    const logger = requestLogger(createLogger({ level: 'info', destination: out.stream }), 'acme', {
      'x-cloud-trace-context': '105445AA7843BC8BF206B12000100000/1;o=1',
    });
    logger.error('boom');
    expect(out.lines()[0]).toMatchObject({
      severity: 'ERROR',
      'logging.googleapis.com/trace': 'projects/acme/traces/105445aa7843bc8bf206b12000100000',
    });
  });

  it('read the trace from traceparent first, and make one when no header carries it', () => {
    expect(traceIdOf({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-cloud-trace-context': 'ffff' })).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    const made = traceIdOf({ traceparent: 'garbage' });
    expect(made).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf({})).not.toBe(made);
  });
});
