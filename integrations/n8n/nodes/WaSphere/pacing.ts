/**
 * Pacing at the key's limit, as the server counts it (contract section 3): at most N
 * requests in any window of W seconds.
 *
 * A request counts from the moment it is sent until W after its answer came back: the
 * server stamps it somewhere in between, so only the answer's time is safe. A request
 * still in flight counts as if it were stamped now. One window per key is shared by
 * every WaSphere node of this n8n process, so two workflows on one key do not add up
 * to twice the limit. A 429 closes the window until its Retry-After has passed.
 */
import { createHash } from 'node:crypto';

/** Time, injectable so tests need not wait. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A place in the window, held by one request; `done()` when its answer arrived. */
export interface Slot {
	done(): void;
}

export class SlidingWindow {
	// The answer time of each counted request; Infinity while it is in flight.
	private readonly stamps: number[] = [];
	private pausedUntil = 0;
	// Requests wait in line, so they are admitted in the order they asked.
	private queue: Promise<void> = Promise.resolve();

	constructor(
		private limit: number,
		private windowMs: number,
		private readonly clock: Clock = realClock,
	) {}

	/** Changes the limit (the node's settings may differ between runs). */
	configure(limit: number, windowMs: number): void {
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** Waits until one more request fits in the window, and counts it. */
	async acquire(): Promise<Slot> {
		const turn = this.queue.then(async () => await this.waitForRoom());
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return await turn;
	}

	/** After a 429: nothing is sent for `ms` (its Retry-After). */
	pauseFor(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	private async waitForRoom(): Promise<Slot> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			while (this.stamps.length > 0 && this.stamps[0] <= now - this.windowMs) {
				this.stamps.shift();
			}
			if (this.stamps.length < this.limit) {
				this.insert(Infinity);
				let finished = false;
				return {
					done: () => {
						if (finished) return;
						finished = true;
						this.complete(this.clock.now());
					},
				};
			}
			// Full: the oldest finished request leaves the window first. If every
			// counted request is in flight, look again shortly.
			const oldest = this.stamps[0];
			const wait = Number.isFinite(oldest) ? oldest + this.windowMs - now : 50;
			await this.clock.sleep(Math.max(1, wait));
		}
	}

	/** Replaces one in-flight stamp with the answer's time. */
	private complete(at: number): void {
		const index = this.stamps.indexOf(Infinity);
		if (index === -1) return;
		this.stamps.splice(index, 1);
		this.insert(at);
	}

	private insert(at: number): void {
		let i = this.stamps.length;
		while (i > 0 && this.stamps[i - 1] > at) i--;
		this.stamps.splice(i, 0, at);
	}

	/** How many requests count now (for tests). */
	counted(): number {
		const now = this.clock.now();
		return this.stamps.filter((s) => s > now - this.windowMs).length;
	}
}

const windows = new Map<string, SlidingWindow>();

/** The window shared by every node of this process that uses `apiKey` on `baseUrl`.
 * The map is keyed by a hash, so the key itself is not kept beyond the credential. */
export function windowFor(baseUrl: string, apiKey: string, limit: number, windowMs: number): SlidingWindow {
	const id = createHash('sha256').update(baseUrl).update('\u0000').update(apiKey).digest('hex');
	let window = windows.get(id);
	if (window === undefined) {
		window = new SlidingWindow(limit, windowMs);
		windows.set(id, window);
	} else {
		window.configure(limit, windowMs);
	}
	return window;
}
