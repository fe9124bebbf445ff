/** Entry point of the action's main step. */
import { runAction } from './action/run-action.js'

await runAction()
