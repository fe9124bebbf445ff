/** Entry point of the `pytest-tier` command. */
import { cli } from './cli/main.js'

await cli()
