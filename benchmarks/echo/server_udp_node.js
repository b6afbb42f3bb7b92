// UDP echo server with Node's dgram module: every datagram sent back to its sender.
// usage: node server_udp_node.js PORT
const dgram = require('dgram');
const port = parseInt(process.argv[2], 10);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
socket.bind(port, '127.0.0.1', () => console.log('serving'));
