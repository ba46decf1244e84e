/**
 * The end of the audit log, bounded: what the console and `radtop sessions` read to say who disconnected a
 * session. Only the last {@link AUDIT_TAIL_BYTES} (8 MiB, some 10,000 single-session runs) are read, so a log
 * grown over years never stalls the console; the line cut in two at the start of that window is dropped. A
 * missing or unreadable log reads as empty: who disconnected a session is a note, never a reason to fail.
 */
import {open} from 'node:fs/promises';

/** The most of the log's end that is read: 8 MiB. */
export const AUDIT_TAIL_BYTES = 8 * 1024 * 1024;

/** The last `maxBytes` of the file as whole lines; '' when it is missing or cannot be read. */
export async function readAuditTail(path: string, maxBytes: number = AUDIT_TAIL_BYTES): Promise<string> {
	let file;
	try {
		file = await open(path, 'r');
	} catch {
		return '';
	}
	try {
		const {size} = await file.stat();
		const length = Math.min(size, maxBytes);
		const start = size - length;
		const buffer = Buffer.alloc(length);
		let read = 0;
		while (read < length) {
			const {bytesRead} = await file.read(buffer, read, length - read, start + read);
			if (bytesRead === 0) break;
			read += bytesRead;
		}
		let text = buffer.subarray(0, read).toString('utf8');
		// Started inside a line: that line is not whole, and a half record is no record.
		if (start > 0) {
			const newline = text.indexOf('\n');
			text = newline === -1 ? '' : text.slice(newline + 1);
		}
		return text;
	} catch {
		return '';
	} finally {
		await file.close().catch(() => undefined);
	}
}
