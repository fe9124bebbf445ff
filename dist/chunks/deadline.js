/** A bound on how long the action waits for a service: a call that never answers becomes an error, not a hung job. */
/** Resolves or rejects as `work` does, or rejects once `ms` have passed, naming what got no answer. */
function withDeadline(work, ms, what) {
    let timer;
    const expired = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} got no answer within ${Math.round(ms / 1000)} s.`)), ms);
        // A pending timer alone never keeps the process alive.
        timer.unref();
    });
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export { withDeadline as w };
