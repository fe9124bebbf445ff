/** Entry point of the action's main step. */
import { run } from './run.js'

await run()
