/** Entry point of the action's post step. */
import { cleanup } from './run/cleanup.js'

await cleanup()
