// A small DNS server for tests, on a loopback address (UDP and TCP on the same port): answers
// every A query with 127.0.0.1 and every AAAA query with ::1 (or, for a name in `answers`, the
// addresses given there: { 'name': { A: ['169.254.169.254'], AAAA: ['fd00:ec2::254'] } }), names
// containing "missing" with NXDOMAIN, and PTR queries with "responder.test". It counts what it
// was asked, so a test can show that a refused query never reached it. `port: 53` stands for a
// resolver of this machine (inside the test's network namespace, where the port is free).
const dgram = require('node:dgram')
const net = require('node:net')

function readName(message, offset) {
  const labels = []
  let at = offset
  for (let length = message[at]; length !== 0; length = message[at]) {
    labels.push(message.subarray(at + 1, at + 1 + length).toString('latin1'))
    at += 1 + length
  }
  return { name: labels.join('.'), end: at + 1 }
}

function v6Bytes(written) {
  // A dotted IPv4 tail (`::ffff:169.254.169.254`) is two groups.
  const address = written.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [a * 256 + +b, c * 256 + +d].map((n) => n.toString(16)).join(':'),
  )
  const [head, tail = ''] = address.split('::')
  const groups = (text) => (text === '' ? [] : text.split(':'))
  const left = groups(head)
  const right = groups(tail)
  const all = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return Buffer.from(all.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]))
}

function answer(query, answers = {}) {
  const { name, end } = readName(query, 12)
  const type = query.readUInt16BE(end)
  const question = query.subarray(12, end + 4)
  const missing = name.includes('missing')
  const records = []
  const given = answers[name.toLowerCase()]
  if (given) {
    if (type === 1)
      for (const a of given.A ?? []) records.push({ type: 1, data: Buffer.from(a.split('.').map(Number)) })
    if (type === 28) for (const a of given.AAAA ?? []) records.push({ type: 28, data: v6Bytes(a) })
  }
  if (!given && !missing && type === 1) records.push({ type: 1, data: Buffer.from([127, 0, 0, 1]) })
  if (!given && !missing && type === 28) records.push({ type: 28, data: Buffer.from([...Array(15).fill(0), 1]) })
  if (!missing && type === 12) {
    const labels = ['responder', 'test']
    records.push({
      type: 12,
      data: Buffer.concat([...labels.map((l) => Buffer.from([l.length, ...Buffer.from(l)])), Buffer.from([0])]),
    })
  }
  const header = Buffer.alloc(12)
  query.copy(header, 0, 0, 2) // id
  header.writeUInt16BE(0x8180 | (missing ? 3 : 0), 2) // response, recursion available, rcode
  header.writeUInt16BE(1, 4)
  header.writeUInt16BE(records.length, 6)
  const resourceRecords = records.map((record) => {
    const head = Buffer.alloc(12)
    head.writeUInt16BE(0xc00c, 0) // the name, by pointer to the question
    head.writeUInt16BE(record.type, 2)
    head.writeUInt16BE(1, 4)
    head.writeUInt32BE(60, 6)
    head.writeUInt16BE(record.data.length, 10)
    return Buffer.concat([head, record.data])
  })
  return { name, type, reply: Buffer.concat([header, question, ...resourceRecords]) }
}

/** Starts the responder on `host` (a loopback address); resolves { host, port, server, queries, close }. */
function startDnsResponder(host = '127.0.0.1', { answers = {}, port: wanted = 0 } = {}) {
  const queries = []
  const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
  udp.on('message', (message, remote) => {
    const { name, type, reply } = answer(message, answers)
    queries.push({ name, type, via: 'udp' })
    udp.send(reply, remote.port, remote.address)
  })
  return new Promise((resolve, reject) => {
    udp.once('error', reject)
    udp.bind(wanted, host, () => {
      const { port } = udp.address()
      const tcp = net.createServer((socket) => {
        let buffered = Buffer.alloc(0)
        socket.on('data', (chunk) => {
          buffered = Buffer.concat([buffered, chunk])
          while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
            const length = buffered.readUInt16BE(0)
            const { name, type, reply } = answer(buffered.subarray(2, 2 + length), answers)
            queries.push({ name, type, via: 'tcp' })
            const framed = Buffer.alloc(2)
            framed.writeUInt16BE(reply.length)
            socket.write(Buffer.concat([framed, reply]))
            buffered = buffered.subarray(2 + length)
          }
        })
        socket.on('error', () => {})
      })
      tcp.once('error', reject)
      tcp.listen(port, host, () => {
        const server = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
        resolve({
          host,
          port,
          server,
          queries,
          close: () => new Promise((done) => tcp.close(() => udp.close(done))),
        })
      })
    })
  })
}

module.exports = { startDnsResponder }
