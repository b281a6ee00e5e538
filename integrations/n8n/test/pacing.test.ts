import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SlidingWindow } from '../nodes/WaSphere/pacing';
import { FakeClock, settle } from './fakeClock';

test('admits the limit at once, then waits until the oldest answer leaves the window', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(3, 1000, clock);
	for (let i = 0; i < 3; i++) (await window.acquire()).done();
	assert.equal(clock.now(), 0);
	await window.acquire();
	assert.equal(clock.now(), 1000);
});

test('a request counts from its answer, not from when it was sent', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(1, 1000, clock);
	const slot = await window.acquire();
	clock.t = 400; // the answer takes 400 ms
	slot.done();
	await window.acquire();
	assert.equal(clock.now(), 1400);
});

test('requests in flight hold their place until they are answered', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(2, 1000, clock);
	const first = await window.acquire();
	await window.acquire();
	let admitted = false;
	const third = window.acquire().then(() => {
		admitted = true;
	});
	await settle();
	assert.equal(admitted, false, 'admitted while both places were in flight');
	const answeredAt = clock.now();
	first.done();
	await third;
	assert.ok(clock.now() >= answeredAt + 1000, `admitted at ${clock.now()}, answer at ${answeredAt}`);
});

test('a 429 closes the window for its Retry-After, whatever the count', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(60, 60_000, clock);
	(await window.acquire()).done();
	window.pauseFor(14_000);
	await window.acquire();
	assert.equal(clock.now(), 14_000);
});

test('waiting requests are admitted in the order they asked', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(1, 100, clock);
	const order: number[] = [];
	await Promise.all(
		[1, 2, 3, 4].map(async (n) => {
			const slot = await window.acquire();
			order.push(n);
			slot.done();
		}),
	);
	assert.deepEqual(order, [1, 2, 3, 4]);
	assert.equal(clock.now(), 300);
});

test('120 requests at 60 per 10 s never put 61 in one window', async () => {
	const clock = new FakeClock();
	const window = new SlidingWindow(60, 10_000, clock);
	const stamps: number[] = [];
	for (let i = 0; i < 120; i++) {
		const slot = await window.acquire();
		stamps.push(clock.now());
		clock.t += 5; // latency
		slot.done();
	}
	for (const s of stamps) {
		const inWindow = stamps.filter((t) => t >= s && t < s + 10_000).length;
		assert.ok(inWindow <= 60, `${inWindow} requests in the window from ${s}`);
	}
});
