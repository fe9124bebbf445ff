/**
 * The log seam. The action installs a sink that writes through @actions/core (workflow commands, groups); the CLI
 * installs a terminal sink; until then lines go to the process's own stdout and stderr. Modules log through `log`,
 * never through `core` or `console` directly.
 */
/** Plain lines on the process's stdout and stderr. */
const plainSink = {
    info: (m) => void process.stdout.write(`${m}\n`),
    warning: (m) => void process.stderr.write(`warning: ${m}\n`),
    error: (m) => void process.stderr.write(`error: ${m}\n`),
    async group(name, fn) {
        process.stdout.write(`── ${name}\n`);
        return fn();
    }
};
let sink = plainSink;
/** The current log. */
const log = {
    info: (m) => sink.info(m),
    warning: (m) => sink.warning(m),
    error: (m) => sink.error(m),
    group: (name, fn) => sink.group(name, fn)
};
/** Replaces the sink (an entry point does, once, at start); returns the one it replaced. */
function setLogSink(next) {
    const before = sink;
    sink = next;
    return before;
}

export { log as l, setLogSink as s };
