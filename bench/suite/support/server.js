// The suite's only network target: an HTTP server on 127.0.0.1, port 0, started by each file
// that needs it. Nothing here ever names another address.
import http from 'node:http'

export function startServer() {
  return new Promise((resolve, reject) => {
    const server = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ path: request.url, method: request.method }))
    })
    server.keepAliveTimeout = 1000
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.()
            server.close(done)
          }),
      })
    })
  })
}

/** GET with node:http, a new connection each time (agent: false), as a client library without pooling would. */
export function get(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(body) }))
    })
    request.on('error', reject)
  })
}
