// Runs a real Neo4j 5.26 Community DBMS (embedded API, Bolt only) for Njia's test suite.
//
//   java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
//        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp 'tools/neo4j/lib/*' \
//        tools/neo4j/Launcher.java <home-dir> <port> [--exit-on-stdin-eof]
//
// Contract: stdout carries exactly one line, NEO4J_BOLT_URI=bolt://127.0.0.1:<port>, printed once
// the default database is available; everything else goes to stderr or <home-dir>/logs. SIGTERM
// shuts the DBMS down cleanly; data in <home-dir> survives a restart. Exit code 1 on start failure.
// With --exit-on-stdin-eof it also shuts down cleanly when stdin closes, i.e. when the parent
// process that holds the other end of the pipe dies, however it dies.

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public class Launcher {
    public static void main(String[] args) throws Exception {
        boolean watchStdin = args.length == 3 && args[2].equals("--exit-on-stdin-eof");
        if (args.length != 2 && !watchStdin) {
            System.err.println("usage: Launcher <home-dir> <port> [--exit-on-stdin-eof]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);

        // Keep stdout for the one ready line; anything a library prints goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 16L * 1024 * 1024)
                    // Bolt waits 5 s + 5 s for idle threads/connections on shutdown by default.
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .build();
        } catch (Throwable t) {
            t.printStackTrace();
            Throwable root = t;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.err.println("neo4j failed to start: " + root);
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j: shutting down");
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() != -1) {
                        // ignore input; only EOF matters
                    }
                } catch (java.io.IOException ignored) {
                    // treat like EOF
                }
                System.err.println("neo4j: stdin closed, parent gone");
                System.exit(0);
            }, "stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        String name = GraphDatabaseSettings.DEFAULT_DATABASE_NAME;
        if (!dbms.database(name).isAvailable(Duration.ofMinutes(3).toMillis())) {
            System.err.println("neo4j: database '" + name + "' did not become available");
            System.exit(1);
        }
        out.println("NEO4J_BOLT_URI=bolt://127.0.0.1:" + port);
        out.flush();
        stopped.await();
    }
}
