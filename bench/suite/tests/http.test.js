// Loopback HTTP through node:http: every request opens a new connection (agent: false).
import { get, startServer } from '../support/server.js'

let server
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

for (let i = 0; i < 50; i++) {
  test(`GET /items/${i} through node:http`, async () => {
    const { status, body } = await get(`${server.url}/items/${i}`)
    expect(status).toBe(200)
    expect(body).toEqual({ path: `/items/${i}`, method: 'GET' })
  })
}
