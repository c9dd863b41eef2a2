export { listenTCP, connectTCP, type TCPListenOptions, type TCPConnectOptions } from "./tcp.js";
