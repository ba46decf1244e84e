/**
 * A whole-number setting from the environment (underscores allowed: 5_000_000), or the fallback.
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
export function intEnv(name, fallback, min = 1) {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw.replace(/_/g, ''));
	if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, not ${raw}`);
	return value;
}
