package io.dmactl.cli;

import io.dmactl.cli.host.HostSystem;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of dmactl, as a user would type it, with stdout and stderr captured.
 *
 * @param exitCode what dmactl would exit with
 * @param out      everything printed on stdout
 * @param err      everything printed on stderr
 */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(HostSystem host, String... args) {
        CommandLine commandLine = Dmactl.commandLine(host);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The lines of stderr, without the trailing empty one. */
    public String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
