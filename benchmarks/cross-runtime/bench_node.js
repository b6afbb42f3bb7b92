// The performance targets' workloads (W1 to W5) on Node's event loop, one JSON line per workload.
//
//     node bench_node.js [--scale 1] [--only w1_chain,...] [--runtime NAME]
//
// The closest Node idiom for each asyncio operation: a loop turn is setImmediate (call_soon,
// sleep(0)); a timer is setTimeout with whole milliseconds (Node groups timers by duration in
// ms; the delays are the same fixed-seed values as the other runners, rounded up to whole ms)
// and clearTimeout; a task is an async function; a Future is a Promise with its resolve
// function; asyncio.Queue(1) is a minimal promise-based bounded queue (Node has none built in).
// Each workload runs again and again for half a second to warm up (the JIT; the same rule as
// the C# runner's), then once measured; ns_per_op is wall time per
// operation, except w2_fire_cpu (process CPU time per timer).
'use strict';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const scale = Number(arg('--scale', '1'));
const only = arg('--only', null) ? new Set(arg('--only').split(',')) : null;
const runtime = arg('--runtime', `node ${process.versions.node}`);
const n = (base) => Math.max(1000, Math.floor(base * scale));
const now = () => process.hrtime.bigint();
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

function delays(count) {
  // The same 32-bit LCG seeded 42 as the other runners: delays in [0, 50 ms].
  let state = 42;
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 4294967296) * 0.050;
  }
  return out;
}

function w1Chain(count) {
  return new Promise((done) => {
    let remaining = count;
    const t0 = now();
    const step = () => {
      if (--remaining > 0) setImmediate(step);
      else done(Number(now() - t0));
    };
    setImmediate(step);
  });
}

function w1Queued(count) {
  return new Promise((done) => {
    const t0 = now();
    const noop = () => {};
    for (let i = 0; i < count; i++) setImmediate(noop);
    setImmediate(() => done(Number(now() - t0)));
  });
}

function w2Fire(ds) {
  return new Promise((done) => {
    let remaining = ds.length;
    const c0 = cpuNs();
    const t0 = now();
    const fire = () => {
      if (--remaining === 0) done([Number(now() - t0), cpuNs() - c0]);
    };
    for (let i = 0; i < ds.length; i++) setTimeout(fire, Math.ceil(ds[i] * 1000));
  });
}

function w2Cancel(ds) {
  return new Promise((done) => {
    const t0 = now();
    const noop = () => {};
    const handles = new Array(ds.length);
    for (let i = 0; i < ds.length; i++) handles[i] = setTimeout(noop, Math.ceil(ds[i] * 1000));
    for (let i = 0; i < ds.length; i++) clearTimeout(handles[i]);
    setImmediate(() => done(Number(now() - t0)));
  });
}

const sleep0 = () => new Promise((resolve) => setImmediate(resolve));

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

class BoundedQueue {
  // asyncio.Queue(maxsize) reduced to what the ping-pong needs: FIFO put/get that wait.
  constructor(maxSize) {
    this.maxSize = maxSize;
    this.items = [];
    this.getters = [];
    this.putters = [];
  }
  async put(item) {
    while (this.items.length >= this.maxSize) {
      const d = deferred();
      this.putters.push(d.resolve);
      await d.promise;
    }
    this.items.push(item);
    const getter = this.getters.shift();
    if (getter) getter();
  }
  async get() {
    while (this.items.length === 0) {
      const d = deferred();
      this.getters.push(d.resolve);
      await d.promise;
    }
    const item = this.items.shift();
    const putter = this.putters.shift();
    if (putter) putter();
    return item;
  }
}

async function timed(body) {
  const t0 = now();
  await body();
  return Number(now() - t0);
}

const coroutines = {
  w3_spawn: (count) => async () => {
    const child = async () => { await sleep0(); };
    const tasks = new Array(count);
    for (let i = 0; i < count; i++) tasks[i] = child();
    await Promise.all(tasks);
  },
  w4_futures: (count) => async () => {
    let inboxA = null;
    let inboxB = deferred();
    const b = (async () => {
      for (let i = 0; i < count; i++) {
        const value = await inboxB.promise;
        inboxB = deferred();
        inboxA.resolve(value);
      }
    })();
    for (let i = 0; i < count; i++) {
      inboxA = deferred();
      inboxB.resolve(i);
      await inboxA.promise;
    }
    await b;
  },
  w4_queue: (count) => async () => {
    const there = new BoundedQueue(1);
    const back = new BoundedQueue(1);
    const pong = (async () => {
      for (let i = 0; i < count; i++) await back.put(await there.get());
    })();
    for (let i = 0; i < count; i++) {
      await there.put(i);
      await back.get();
    }
    await pong;
  },
  w5_await_done: (count) => async () => {
    const done = Promise.resolve(1);
    let total = 0;
    for (let i = 0; i < count; i++) total += await done;
    return total;
  },
  w5_sleep0: (count) => async () => {
    for (let i = 0; i < count; i++) await sleep0();
  },
};

function emit(workload, ns, ops) {
  if (only && !only.has(workload)) return;
  console.log(JSON.stringify({ runtime, workload, ns_per_op: ns / ops, n: ops }));
}
const wanted = (...names) => !only || names.some((x) => only.has(x));

// Runs the workload until half a second has passed (at least once).
async function warmUp(run) {
  const started = performance.now();
  do {
    await run();
  } while (performance.now() - started < 500);
}

async function main() {
  const timerDelays = delays(200000);
  if (wanted('w1_chain')) {
    await warmUp(() => w1Chain(n(1000000)));
    emit('w1_chain', await w1Chain(n(1000000)), n(1000000));
  }
  if (wanted('w1_queued')) {
    await warmUp(() => w1Queued(n(1000000)));
    emit('w1_queued', await w1Queued(n(1000000)), n(1000000));
  }
  if (wanted('w2_fire_cpu', 'w2_fire_wall')) {
    await warmUp(() => w2Fire(timerDelays));
    const [wall, cpu] = await w2Fire(timerDelays);
    emit('w2_fire_cpu', cpu, timerDelays.length);
    emit('w2_fire_wall', wall, timerDelays.length);
  }
  if (wanted('w2_cancel')) {
    await warmUp(() => w2Cancel(timerDelays));
    emit('w2_cancel', await w2Cancel(timerDelays), timerDelays.length);
  }
  for (const [name, base] of [['w3_spawn', 100000], ['w4_futures', 200000], ['w4_queue', 200000],
    ['w5_await_done', 1000000], ['w5_sleep0', 1000000]]) {
    if (!wanted(name)) continue;
    await warmUp(() => timed(coroutines[name](n(base))));
    emit(name, await timed(coroutines[name](n(base))), n(base));
  }
}

main();
