package dev.sinew;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Compiles the README's example exactly as written and runs it, so the README cannot rot. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleCompilesAndBehavesAsDescribed() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("<!-- example:start -->");
        int end = readme.indexOf("<!-- example:end -->");
        assertThat(start).as("README example markers").isPositive();
        String block = readme.substring(start, end);
        String source = block.substring(block.indexOf("```java") + "```java".length(), block.lastIndexOf("```"));
        assertThat(source.lines().count()).as("example length").isBetween(15L, 50L);

        Class<?> example = compile("PaymentExample", source);
        Method pay = example.getMethod("pay", String.class, boolean.class);
        assertThat(pay.invoke(null, "o-1", false)).isEqualTo("CHARGED o-1");
        assertThat(pay.invoke(null, "o-2", true)).isEqualTo("PAYMENT_PENDING o-2");
    }

    private static Class<?> compile(String className, String source) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StandardJavaFileManager standard = compiler.getStandardFileManager(null, null, null);
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return classes.computeIfAbsent(name, n -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        StringBuilder diagnostics = new StringBuilder();
        boolean ok = compiler.getTask(null, manager, d -> diagnostics.append(d).append('\n'),
                List.of("-classpath", System.getProperty("java.class.path"), "-proc:none"), null, List.of(file)).call();
        assertThat(ok).as("README example compiles:\n" + diagnostics).isTrue();
        ClassLoader loader = new ClassLoader(ReadmeExampleTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b = bytes.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return loader.loadClass(className);
        } catch (ClassNotFoundException e) {
            throw new IOException("compiled classes: " + classes.keySet(), e);
        }
    }
}
