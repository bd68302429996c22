package com.example.testleader.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a replica's output, line by line, to this console with the replica's name in
 * front ({@code [replica-1] ...}), the way {@code skaffold run --tail} prefixes each pod's
 * lines: several replicas can share one terminal and still be told apart. Whole lines only,
 * so the lines of two replicas never mix.
 */
final class ReplicaOutput {

	private ReplicaOutput() {
	}

	/** Forwards {@code output} to {@code console} on a thread of its own, until it ends. */
	static void forward(String name, InputStream output, PrintStream console) {
		Thread thread = new Thread(() -> copy("[" + name + "] ", output, console), "output-" + name);
		thread.setDaemon(true);
		thread.start();
	}

	private static void copy(String prefix, InputStream output, PrintStream console) {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				console.println(prefix + line);
			}
		}
		catch (IOException ex) {
			// the process is gone: its output ends here
		}
	}

}
