// Any OpenAI client works with the gateway: start it with `npm start`, then run this file.
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.UNDERSTUDY_URL ?? 'http://127.0.0.1:8787/v1',
  apiKey: 'any',
});

const completion = await client.chat.completions.create({
  model: 'demo', // a route: flaky OpenAI → overloaded Anthropic → healthy Gemini
  messages: [{ role: 'user', content: 'Hello through the gateway!' }],
});
console.log(`${completion.model}: ${completion.choices[0]?.message.content}`);

// OpenRouter-style: `model` first, then `models` in order; the answer names the one that served.
const response = await client.chat.completions
  .create({
    model: 'chaos-openai:gpt-4o',
    // @ts-expect-error `models` is the gateway's extension of the OpenAI request
    models: ['chaos-gemini:gemini-2.5-flash'],
    messages: [{ role: 'user', content: 'Which model am I talking to?' }],
  })
  .withResponse();
console.log(
  `${response.data.model} after ${response.response.headers.get('x-understudy-attempts')} attempt(s)`,
);
