import {useEffect, useMemo, useState} from 'react';
import {LagTracker, type ReplicaState} from '../../db/replica.js';

/** Reads whether the database is a hot standby, and its lag. */
export type ReplicaProbe = () => Promise<ReplicaState>;

/** The probe of one site's read database. */
export interface SiteReplicaProbe {
	readonly name: string;
	readonly probe: ReplicaProbe;
}

/**
 * Reads the probe at once and then every interval, handing each state (null after a reading that failed) to
 * `onState`; returns what stops it. One reading at a time: a server slow to answer gets no pile of them.
 */
function startReadings(probe: ReplicaProbe, intervalSeconds: number, onState: (state: ReplicaState | null) => void): () => void {
	let stopped = false;
	let reading = false;
	// The lag is tightened with this console's earlier readings (db/replica.ts).
	const tracker = new LagTracker();
	const read = () => {
		if (reading) return;
		reading = true;
		void probe()
			.then(
				(next) => {
					if (!stopped) onState(tracker.observe(next, Date.now()));
				},
				() => {
					if (!stopped) onState(null);
				},
			)
			.finally(() => {
				reading = false;
			});
	};
	read();
	const timer = setInterval(read, intervalSeconds * 1000);
	return () => {
		stopped = true;
		clearInterval(timer);
	};
}

/**
 * The read database's role and lag, read at once and then every poll interval (one cheap statement beside
 * the poll); null before the first reading, without a probe, and after a reading that failed (the poll says
 * what is wrong with the database).
 */
export function useReplica(probe: ReplicaProbe | undefined, intervalSeconds: number): ReplicaState | null {
	const [state, setState] = useState<ReplicaState | null>(null);
	useEffect(() => {
		if (!probe) return;
		return startReadings(probe, intervalSeconds, setState);
	}, [probe, intervalSeconds]);
	return state;
}

const NO_SITES: ReadonlyMap<string, ReplicaState | null> = new Map();

/**
 * Each site's read database, role and lag, as {@link useReplica} reads one: every site read on its own every poll
 * interval, one reading at a time per site. The map holds the sites in the probes' order, null for a site not
 * read yet or whose last reading failed.
 */
export function useSiteReplicas(
	probes: readonly SiteReplicaProbe[] | undefined,
	intervalSeconds: number,
): ReadonlyMap<string, ReplicaState | null> {
	const [states, setStates] = useState(NO_SITES);
	useEffect(() => {
		if (!probes?.length) return;
		const stops = probes.map(({name, probe}) =>
			startReadings(probe, intervalSeconds, (state) =>
				setStates((previous) => (previous.get(name) === state ? previous : new Map(previous).set(name, state))),
			),
		);
		return () => {
			for (const stop of stops) stop();
		};
	}, [probes, intervalSeconds]);
	// In the probes' order, whichever site answered first.
	return useMemo(() => (probes?.length ? new Map(probes.map(({name}) => [name, states.get(name) ?? null])) : NO_SITES), [probes, states]);
}
