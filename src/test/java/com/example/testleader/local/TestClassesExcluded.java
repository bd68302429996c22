package com.example.testleader.local;

import java.io.IOException;
import java.nio.file.Path;

import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * Keeps every class of the test sources out of the component scan of the service that the
 * local mode runs in its own JVM, where the test classes are on the class path: the tests
 * declare {@code @Configuration} classes of their own (one enables {@code @Async}), which
 * the service must not pick up. {@code @SpringBootApplication}'s scan consults every
 * {@link TypeExcludeFilter} bean; Spring Boot's own test filter is not public, and would
 * keep out only classes that look like tests.
 */
final class TestClassesExcluded extends TypeExcludeFilter {

	private final Path testClasses;

	TestClassesExcluded(Path testClasses) {
		this.testClasses = testClasses;
	}

	@Override
	public boolean match(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		if (!metadataReader.getResource().isFile()) {
			// in a jar: not a test class of this project
			return false;
		}
		return metadataReader.getResource().getFile().toPath().toAbsolutePath().normalize().startsWith(this.testClasses);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TestClassesExcluded excluded && excluded.testClasses.equals(this.testClasses);
	}

	@Override
	public int hashCode() {
		return this.testClasses.hashCode();
	}

}
