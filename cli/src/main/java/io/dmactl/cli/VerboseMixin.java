package io.dmactl.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code -v/--verbose}, accepted before or after the subcommand ({@code dmactl -v list} and
 * {@code dmactl list -v} mean the same): every instance records the flag in the root command's
 * instance, where the error handler and the commands read it.
 */
public final class VerboseMixin {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private boolean verbose;

    @Option(names = {"-v", "--verbose"},
            description = "Say more: extra columns and details, and the stack trace of an error.")
    void setVerbose(boolean value) {
        rootMixin().verbose |= value;
    }

    /** True when -v was given anywhere on the command line. */
    public boolean isVerbose() {
        return rootMixin().verbose;
    }

    private VerboseMixin rootMixin() {
        if (mixee == null) {
            return this;
        }
        Object root = mixee.root().userObject();
        return root instanceof Dmactl dmactl ? dmactl.verboseMixin() : this;
    }
}
