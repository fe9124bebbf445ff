/** Entry point of the action's main step. */
import { run } from './run/tier-run.js'

await run()
