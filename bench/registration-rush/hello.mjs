// Express 5 hello-world: the baseline for GET /api/events/:id in the registration-rush benchmark.
// Run as its own process by run.mjs (PORT and HOST from the environment); nothing else.
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.send('Hello World!');
});
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
