package com.example.testleader.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a replica's process, for tests of its supervision: a JVM of a few
 * megabytes that starts in a fraction of a second and answers
 * {@code /actuator/health/readiness} on the given port, 200 while the given file exists
 * and 503 otherwise, so that a test decides its readiness.
 */
final class FakeReplica {

	private FakeReplica() {
	}

	/** @param args the management port, and the file whose presence means ready */
	public static void main(String[] args) throws IOException {
		Path readyFile = Path.of(args[1]);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
		server.createContext("/actuator/health/readiness", (exchange) -> {
			exchange.sendResponseHeaders(Files.exists(readyFile) ? 200 : 503, -1);
			exchange.close();
		});
		server.start();
		System.out.println("fake replica answering on port " + args[0]);
	}

}
