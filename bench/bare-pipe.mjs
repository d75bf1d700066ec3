// The peer for the hop: the least a relay can be — node piping stdin to the host's socket and back,
// after the hello line (same socket, same host), reading nothing of the messages.
import net from 'node:net';

const [socketPath, hello] = process.argv.slice(2);
const socket = net.connect(socketPath, () => socket.write(`${hello}\n`));
socket.once('data', function ack(chunk) {
  const rest = chunk.subarray(chunk.indexOf(10) + 1);
  if (rest.length) process.stdout.write(rest);
  socket.pipe(process.stdout);
  process.stdin.pipe(socket);
});
socket.on('close', () => process.exit(0));
