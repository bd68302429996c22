package com.example.testleader;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A service whose critical work runs on exactly one replica at a time, the holder of a
 * Kubernetes Lease. See the {@code election} package for the guarantees and their limits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TestLeaderApplication {

	public static void main(String[] args) {
		SpringApplication.run(TestLeaderApplication.class, args);
	}

}
