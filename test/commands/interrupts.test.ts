import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {describe, expect, it, vi} from 'vitest';
import {holdWriteErrors, stopOnSignals, writeIfOpen} from '../../source/commands/interrupts.js';

/** A stand-in for the process: signals are events. */
function signals() {
	const source = new EventEmitter();
	return {source: source as unknown as Parameters<typeof stopOnSignals>[1] & EventEmitter, emitter: source};
}

describe('stopOnSignals', () => {
	it('the first of SIGINT, SIGTERM, SIGHUP aborts and is told once; the copies that follow are absorbed', () => {
		const {source, emitter} = signals();
		const onStop = vi.fn();
		const stop = stopOnSignals(onStop, source);
		expect(stop.signal.aborted).toBe(false);
		emitter.emit('SIGHUP', 'SIGHUP');
		emitter.emit('SIGHUP', 'SIGHUP');
		emitter.emit('SIGTERM', 'SIGTERM');
		expect(stop.signal.aborted).toBe(true);
		expect(stop.received).toBe('SIGHUP');
		expect(onStop).toHaveBeenCalledTimes(1);
		expect(onStop).toHaveBeenCalledWith('SIGHUP');
		// A signal came: the listeners stay, so a library re-sending the signal finds one and does not kill the process.
		stop.release();
		for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(emitter.listenerCount(name)).toBe(1);
	});

	it('listens with on (not once), and release() without a signal removes every listener', () => {
		const {source, emitter} = signals();
		const stop = stopOnSignals(undefined, source);
		for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(emitter.listenerCount(name)).toBe(1);
		stop.release();
		for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(emitter.listenerCount(name)).toBe(0);
		expect(stop.received).toBeUndefined();
	});
});

describe('holdWriteErrors and writeIfOpen', () => {
	it('an EPIPE or EIO on a held stream reaches none of its listeners until release()', () => {
		const stream = new PassThrough();
		const theirs = vi.fn();
		stream.on('error', theirs);
		const held = holdWriteErrors([stream]);
		stream.emit('error', Object.assign(new Error('write EIO'), {code: 'EIO'}));
		stream.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}));
		expect(theirs).not.toHaveBeenCalled();
		expect(held.swallowed).toBe(2);
		held.release();
		stream.emit('error', new Error('later'));
		expect(theirs).toHaveBeenCalledTimes(1);
	});

	it('writeIfOpen writes to an open stream and skips a destroyed one', () => {
		const stream = new PassThrough();
		const chunks: string[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
		expect(writeIfOpen(stream, 'one\n')).toBe(true);
		stream.on('error', () => undefined);
		stream.destroy();
		expect(writeIfOpen(stream, 'two\n')).toBe(false);
		expect(chunks.join('')).toBe('one\n');
	});
});
