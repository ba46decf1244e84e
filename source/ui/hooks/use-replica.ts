import {useEffect, useState} from 'react';
import {LagTracker, type ReplicaState} from '../../db/replica.js';

/** Reads whether the database is a hot standby, and its lag. */
export type ReplicaProbe = () => Promise<ReplicaState>;

/**
 * The read database's role and lag, read at once and then every poll interval (one cheap statement beside
 * the poll); null before the first reading, without a probe, and after a reading that failed (the poll says
 * what is wrong with the database).
 */
export function useReplica(probe: ReplicaProbe | undefined, intervalSeconds: number): ReplicaState | null {
	const [state, setState] = useState<ReplicaState | null>(null);
	useEffect(() => {
		if (!probe) return;
		let stopped = false;
		let reading = false;
		// The lag is tightened with this console's earlier readings (db/replica.ts).
		const tracker = new LagTracker();
		const read = () => {
			// One reading at a time: a server slow to answer gets no pile of them.
			if (reading) return;
			reading = true;
			void probe()
				.then(
					(next) => {
						if (!stopped) setState(tracker.observe(next, Date.now()));
					},
					() => {
						if (!stopped) setState(null);
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
	}, [probe, intervalSeconds]);
	return state;
}
