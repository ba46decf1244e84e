/**
 * The meaning of RouterOS API sentences: what a received sentence replies (`!re`, `!done`, `!trap`, `!fatal`,
 * `!empty`) and how a command sentence is built. Pure; the byte-level word codec is words.ts's.
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com), sections "API sentences", "Reply word",
 * "Queries" and "Tags".
 */
import {RouterOsProtocolError} from './words.js';

/** Attributes of a reply (`=name=value` words), keyed by name. Has no prototype, so any name is safe. */
export type ReplyAttributes = Readonly<Record<string, string>>;

/** One `!re` reply: attribute name to value, e.g. `{'.id': '*1A', name: 'alice', address: '10.0.0.7'}`. */
export type RouterOsRow = Record<string, string>;

/** One data row (`!re`), e.g. one entry of a `print`. */
export interface DataReply {
	readonly type: 're';
	readonly tag?: string;
	readonly attributes: ReplyAttributes;
}

/** The command finished (`!done`); may carry attributes such as `=ret=` (the new `.id` after an `add`). */
export interface DoneReply {
	readonly type: 'done';
	readonly tag?: string;
	readonly attributes: ReplyAttributes;
}

/**
 * The command failed (`!trap`); a `!done` for the same command follows. `category` is the doc's numeric
 * error category (0 missing item or command, 1 argument value failure, 2 execution interrupted, 3 scripting,
 * 4 general failure, 5 API failure, 6 TTY failure, 7 value from `:return`) when the router sends one.
 */
export interface TrapReply {
	readonly type: 'trap';
	readonly tag?: string;
	readonly category?: number;
	readonly message: string;
	readonly attributes: ReplyAttributes;
}

/** The router is closing the connection (`!fatal`), with its reason. Not tied to any command. */
export interface FatalReply {
	readonly type: 'fatal';
	readonly message: string;
}

/** The command has no data to return (`!empty`, RouterOS 7.18 and later); a `!done` still follows. */
export interface EmptyReply {
	readonly type: 'empty';
	readonly tag?: string;
}

/** A sentence received from the router, by its reply word. */
export type Reply = DataReply | DoneReply | TrapReply | FatalReply | EmptyReply;

/**
 * Interprets one received sentence. Words other than `=name=value` attributes and `.tag=` are ignored in
 * `!re`, `!done`, `!trap` and `!empty`; in `!fatal` the plain words are the reason.
 *
 * @throws RouterOsProtocolError for an empty sentence or an unknown reply word.
 */
export function parseReply(sentence: readonly string[]): Reply {
	const [replyWord, ...words] = sentence;
	switch (replyWord) {
		case '!re':
		case '!done': {
			const {attributes, tag} = parseWords(words);
			const type = replyWord === '!re' ? 're' : 'done';
			return tag === undefined ? {type, attributes} : {type, tag, attributes};
		}

		case '!trap': {
			const {attributes, tag} = parseWords(words);
			const category = parseCategory(attributes['category']);
			return {
				type: 'trap',
				...(tag === undefined ? {} : {tag}),
				...(category === undefined ? {} : {category}),
				message: attributes['message'] ?? '',
				attributes,
			};
		}

		case '!empty': {
			const {tag} = parseWords(words);
			return tag === undefined ? {type: 'empty'} : {type: 'empty', tag};
		}

		case '!fatal': {
			// API doc: "!fatal" is followed by the reason as a plain word (e.g. "session terminated on request").
			const plain = words.filter((word) => !word.startsWith('=') && !word.startsWith('.'));
			const message = plain.length > 0 ? plain.join(' ') : (parseWords(words).attributes['message'] ?? '');
			return {type: 'fatal', message};
		}

		case undefined: {
			throw new RouterOsProtocolError('empty RouterOS API reply sentence');
		}

		default: {
			throw new RouterOsProtocolError(`unknown RouterOS API reply word ${JSON.stringify(truncate(replyWord))}`);
		}
	}
}

/**
 * Builds the words of a command sentence: the command, `=name=value` attribute words, query words as given,
 * and `.tag=` last.
 *
 * @example buildCommand('/ppp/active/print', undefined, ['?name=alice']) // ['/ppp/active/print', '?name=alice']
 * @throws RangeError for a command not starting with '/', an empty attribute name or one containing '=',
 *   a query not starting with '?', or an empty tag.
 */
export function buildCommand(
	command: string,
	attributes?: Readonly<Record<string, string>>,
	queries?: readonly string[],
	tag?: string,
): string[] {
	if (!command.startsWith('/') || command.length < 2) {
		throw new RangeError(`RouterOS API command must start with '/', got ${JSON.stringify(command)}`);
	}

	const words = [command];
	for (const [name, value] of Object.entries(attributes ?? {})) {
		// API doc, "Attribute word": the name ends at the second '=', so a name cannot contain one.
		if (name.length === 0 || name.includes('=')) {
			throw new RangeError(`RouterOS API attribute name must be non-empty without '=', got ${JSON.stringify(name)}`);
		}

		words.push(`=${name}=${value}`);
	}

	for (const query of queries ?? []) {
		if (!query.startsWith('?')) {
			throw new RangeError(`RouterOS API query word must start with '?', got ${JSON.stringify(query)}`);
		}

		words.push(query);
	}

	if (tag !== undefined) {
		if (tag.length === 0) {
			throw new RangeError('RouterOS API tag must not be empty');
		}

		words.push(`.tag=${tag}`);
	}

	return words;
}

function parseWords(words: readonly string[]): {attributes: Record<string, string>; tag: string | undefined} {
	const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
	let tag: string | undefined;
	for (const word of words) {
		if (word.startsWith('=')) {
			// API doc: "=name=value"; the value may itself contain '=', so split at the second '=' only.
			const separator = word.indexOf('=', 1);
			const name = separator === -1 ? word.slice(1) : word.slice(1, separator);
			if (name.length > 0) {
				attributes[name] = separator === -1 ? '' : word.slice(separator + 1);
			}
		} else if (word.startsWith('.tag=')) {
			tag = word.slice('.tag='.length);
		}
	}

	return {attributes, tag};
}

function parseCategory(value: string | undefined): number | undefined {
	if (value === undefined || !/^\d{1,6}$/.test(value)) {
		return undefined;
	}

	return Number(value);
}

function truncate(text: string): string {
	return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
