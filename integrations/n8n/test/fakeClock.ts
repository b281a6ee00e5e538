import type { Clock } from '../nodes/WaSphere/pacing';

/** A clock that only moves when someone sleeps; each sleep yields to the event loop so
 * the test can act between steps. */
export class FakeClock implements Clock {
	t = 0;
	now(): number {
		return this.t;
	}
	async sleep(ms: number): Promise<void> {
		await new Promise((resolve) => setImmediate(resolve));
		this.t += ms;
	}
}

/** Lets pending promises and immediates run. */
export async function settle(rounds = 20): Promise<void> {
	for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
