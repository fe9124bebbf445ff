/** Entry point of the action's post step. */
import { postStep } from './action/post-step.js'

await postStep()
