import {randomInt} from 'node:crypto';

// RFC 2865 §3: the Identifier is one octet, so 256 requests can be outstanding per source socket and NAS.
/** Identifiers one source socket has towards one NAS. */
export const ID_SPACE = 256;

/**
 * The identifiers of one source socket and the requests outstanding on them. Free identifiers are handed out
 * round-robin from a random start, so a just-finished identifier is the last to be reused.
 */
export class IdentifierPool<T> {
	readonly #inFlight = new Map<number, T>();
	#nextId = randomInt(ID_SPACE);

	/** The first free identifier from the round-robin cursor, or undefined when all 256 are in flight. */
	free(): number | undefined {
		if (this.#inFlight.size >= ID_SPACE) {
			return undefined;
		}
		for (let offset = 0; offset < ID_SPACE; offset++) {
			const id = (this.#nextId + offset) % ID_SPACE;
			if (!this.#inFlight.has(id)) {
				return id;
			}
		}
		return undefined;
	}

	/** Marks `id` as outstanding for `request` and moves the cursor past it. */
	take(id: number, request: T): void {
		this.#nextId = (id + 1) % ID_SPACE;
		this.#inFlight.set(id, request);
	}

	/** The request outstanding with `id`, if any. */
	get(id: number): T | undefined {
		return this.#inFlight.get(id);
	}

	/** Frees `id`. */
	release(id: number): void {
		this.#inFlight.delete(id);
	}

	/** The outstanding requests, as a copy. */
	requests(): T[] {
		return [...this.#inFlight.values()];
	}
}
