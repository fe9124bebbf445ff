/** Entry point of the `pytest-tier` command. */
import { cli } from './cli/cli-main.js'

await cli()
