// Reference on workerd: a Worker with no framework, the JSON answered directly.
export default {
  fetch: () => Response.json({ message: 'Hello World' }),
}
