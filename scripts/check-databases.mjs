// Fails fast, with a clear message, when a database server the test suite needs is unreachable.
import net from 'node:net';

const servers = [
  { name: 'PostgreSQL', host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432) },
  {
    name: 'MariaDB',
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
  },
];

function reachable({ host, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

let failed = false;
for (const server of servers) {
  const ok = await reachable(server);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${server.name} at ${server.host}:${server.port}`);
  failed ||= !ok;
}
if (failed) {
  console.error('A database server the integration tests need is unreachable; CI does not skip them.');
  process.exit(1);
}
