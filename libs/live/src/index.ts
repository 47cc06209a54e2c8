// Live audio sessions in Redis: the router's side (libs/live/src/lib/router) and the worker's (libs/live/src/lib/worker).
export {};
