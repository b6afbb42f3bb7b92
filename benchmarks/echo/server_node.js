// Echo server with Node's net module: every chunk written back, with back-pressure (pause on a
// full socket buffer, resume on 'drain').
// usage: node server_node.js PORT
const net = require('net');
const port = parseInt(process.argv[2], 10);
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.on('end', () => socket.end());
  socket.on('error', () => socket.destroy());
});
server.listen(port, '127.0.0.1', () => console.log('serving'));
