import { runCli } from './create-program';

const code = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
// Exit once the output has drained (a pipe may still hold the report); open handles the host's
// config left behind (a CDMS client's keep-alive sockets, timers) must not keep the process alive.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
