// Template compilation with an allowed package: Handlebars compiles each template to a function
// with `new Function`. Every template is distinct, so each test really compiles.
import Handlebars from 'handlebars'

for (let i = 0; i < 60; i++) {
  test(`renders template ${i}`, () => {
    const source = `<ul data-i="${i}">{{#each items}}<li>{{name}} #${i}: {{#if done}}done{{else}}open{{/if}}</li>{{/each}}</ul>`
    const render = Handlebars.compile(source)
    const items = Array.from({ length: 5 }, (_, k) => ({ name: `task ${k}`, done: k % 2 === 0 }))
    const html = render({ items })
    expect(html).toContain(`task 4 #${i}: done`)
    expect(html.match(/<li>/g)).toHaveLength(5)
  })
}
