/**
 * Entry point of the action's main step. A service that never answered may leave a socket open: the step ends
 * when the action is done all the same, with the exit code it set.
 */
import { runAction } from './action/run-action.js'

await runAction()
process.exit()
