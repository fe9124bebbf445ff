/** Entry point of the action's post step. */
import { cleanup } from './cleanup.js'

await cleanup()
