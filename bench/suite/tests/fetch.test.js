// Loopback HTTP through global fetch (undici): half reuse the pooled connection, half close it.
import { startServer } from '../support/server.js'

let server
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

for (let i = 0; i < 50; i++) {
  test(`fetch /users/${i}`, async () => {
    const headers = i % 2 ? { connection: 'close' } : {}
    const response = await fetch(`${server.url}/users/${i}`, { method: i % 3 ? 'GET' : 'POST', headers })
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.path).toBe(`/users/${i}`)
  })
}
