/**
 * The commands a RouterOS API connection has sent and not yet seen finish, by tag, and what each reply does to
 * them (API doc, "Tags" and "Reply word"). No socket here: the client writes the sentences and feeds the replies.
 */
import {emptyTally, REPLY_LIMITS, tallySentence, type ReplyLimits, type ReplyTally} from './reply-limits.js';
import {RouterOsError, type RouterOsErrorDetails, type RouterOsErrorKind} from './routeros-error.js';
import type {FatalReply, Reply, RouterOsRow} from './sentences.js';

interface PendingCommand {
	readonly command: string;
	readonly resolve: (rows: RouterOsRow[]) => void;
	readonly reject: (error: RouterOsError) => void;
	readonly rows: RouterOsRow[];
	/** What its reply has held so far, every sentence with its tag counted (after a `!trap` too). */
	readonly tally: ReplyTally;
	timer: NodeJS.Timeout | undefined;
	/** `!empty` arrived (RouterOS 7.18+): the result is empty even if the `!done` never comes. */
	empty: boolean;
	/** Resolved or rejected already (after a `!trap`, the entry waits for its `!done`). */
	settled: boolean;
}

/** The pending commands of one connection; `label` (e.g. `bng-2 API (10.0.0.2:8728)`) starts their errors. */
export class CommandTable {
	readonly #pending = new Map<string, PendingCommand>();
	readonly #label: string;
	readonly #limits: ReplyLimits;
	#nextTag = 1;
	#ignored = 0;

	constructor(label: string, limits: ReplyLimits = REPLY_LIMITS) {
		this.#label = label;
		this.#limits = limits;
	}

	/** Replies dropped because their tag matched no pending command or their reply word is unknown. */
	get ignored(): number {
		return this.#ignored;
	}

	/** A tag no command of this connection has had. */
	newTag(): string {
		return String(this.#nextTag++);
	}

	/**
	 * Registers `command`, sent with `tag`; the promise settles with its rows at `!done`. Without a `!done` in
	 * `timeoutMs`, it rejects (`timeout`) and `onTimeout` is told why, since the connection is then suspect.
	 */
	add(tag: string, command: string, timeoutMs: number | undefined, onTimeout: (reason: string) => void): Promise<RouterOsRow[]> {
		return new Promise<RouterOsRow[]>((resolve, reject) => {
			const entry: PendingCommand = {
				command,
				resolve,
				reject,
				rows: [],
				tally: emptyTally(),
				timer: undefined,
				empty: false,
				settled: false,
			};
			if (timeoutMs !== undefined) {
				entry.timer = setTimeout(() => {
					this.#pending.delete(tag);
					const reason = `${entry.command} got no reply within ${seconds(timeoutMs)}`;
					if (!entry.settled) {
						entry.settled = true;
						entry.reject(new RouterOsError(`${this.#label}: ${reason}; closing the connection`, 'timeout'));
					}

					onTimeout(reason);
				}, timeoutMs);
			}

			this.#pending.set(tag, entry);
		});
	}

	/** Counts a sentence that was not understood. */
	ignore(): void {
		this.#ignored += 1;
	}

	/**
	 * Applies a reply (a sentence of `words` words and `bytes` bytes) to the command its tag names; a reply for no
	 * pending command is counted and dropped.
	 *
	 * @returns why the command's reply is now over its limits, without applying the sentence; the connection has to
	 *   be closed then (failing every command). Undefined otherwise.
	 */
	route(reply: Exclude<Reply, FatalReply>, words = 0, bytes = 0): string | undefined {
		const {tag} = reply;
		const entry = tag === undefined ? undefined : this.#pending.get(tag);
		if (tag === undefined || entry === undefined) {
			this.#ignored += 1;
			return undefined;
		}

		const overLimit = tallySentence(entry.tally, words, bytes, this.#limits, entry.command);
		if (overLimit !== undefined) return overLimit;

		switch (reply.type) {
			case 're': {
				if (!entry.settled) {
					entry.rows.push(reply.attributes as RouterOsRow);
				}

				break;
			}

			case 'empty': {
				entry.empty = true;
				break;
			}

			case 'trap': {
				// API doc: a !done for the same tag follows the !trap; the entry stays until then so that !done is
				// recognised, but the caller learns of the failure now.
				if (!entry.settled) {
					entry.settled = true;
					entry.reject(
						new RouterOsError(`${this.#label}: ${entry.command} failed: ${reply.message || 'no reason given'}`, 'trap', {
							routerMessage: reply.message,
							category: reply.category,
						}),
					);
				}

				break;
			}

			case 'done': {
				this.#pending.delete(tag);
				clearTimeout(entry.timer);
				if (!entry.settled) {
					entry.settled = true;
					entry.resolve(entry.rows);
				}

				break;
			}
		}

		return undefined;
	}

	/**
	 * Settles every pending command because the connection ended: `[]` if it already saw `!empty`, else a
	 * rejection with `message` and `kind`.
	 */
	failAll(message: string, kind: RouterOsErrorKind, details: RouterOsErrorDetails): void {
		for (const entry of this.#pending.values()) {
			clearTimeout(entry.timer);
			if (entry.settled) {
				continue;
			}

			entry.settled = true;
			if (entry.empty) {
				// RouterOS 7.18+: !empty already said there is nothing; only the trailing !done was lost.
				entry.resolve([]);
			} else {
				entry.reject(new RouterOsError(message, kind, details));
			}
		}

		this.#pending.clear();
	}
}

/** `5 s` for 5000. */
export function seconds(ms: number): string {
	return `${ms / 1000} s`;
}
