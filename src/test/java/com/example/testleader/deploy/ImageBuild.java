package com.example.testleader.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What {@code spring-boot:build-image} is given, read from {@code pom.xml} itself, so that
 * the tests check the build's own values rather than copies of them.
 */
final class ImageBuild {

	private ImageBuild() {
	}

	/** The spring-boot-maven-plugin's {@code <image>}. */
	static Element configuration() throws Exception {
		NodeList plugins = pom().getElementsByTagName("plugin");
		for (int i = 0; i < plugins.getLength(); i++) {
			Element plugin = (Element) plugins.item(i);
			if (text(plugin, "artifactId").equals("spring-boot-maven-plugin")) {
				return (Element) plugin.getElementsByTagName("image").item(0);
			}
		}
		throw new IOException("No spring-boot-maven-plugin in pom.xml");
	}

	/**
	 * The build's environment, as the plugin hands it to the builder: each value trimmed, as
	 * Maven reads a parameter.
	 */
	static Map<String, String> env() throws Exception {
		Map<String, String> env = new LinkedHashMap<>();
		Element element = (Element) configuration().getElementsByTagName("env").item(0);
		for (Node child : children(element)) {
			if (child instanceof Element variable) {
				env.put(variable.getTagName(), variable.getTextContent().trim());
			}
		}
		return env;
	}

	/** The name {@code spring-boot:build-image} gives the image, properties resolved. */
	static String imageName() throws Exception {
		Element project = pom().getDocumentElement();
		String version = children(project, "version").get(0).getTextContent().trim();
		Element properties = (Element) children(project, "properties").get(0);
		return text(properties, "spring-boot.build-image.imageName").replace("${project.version}", version);
	}

	static Document pom() throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
	}

	static List<Node> children(Element parent, String tag) {
		return children(parent).stream().filter((child) -> child.getNodeName().equals(tag)).toList();
	}

	private static List<Node> children(Element parent) {
		List<Node> children = new ArrayList<>();
		for (int i = 0; i < parent.getChildNodes().getLength(); i++) {
			children.add(parent.getChildNodes().item(i));
		}
		return children;
	}

	static String text(Element parent, String tag) {
		return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
	}

}
