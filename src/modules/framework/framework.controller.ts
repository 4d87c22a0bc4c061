import { Controller, Get, Param, PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../common/errors/domain-error';
import { FrameworkResponseDto, FrameworkVersionListDto, FrameworkVersionSummaryDto } from './dto/framework-response.dto';
import { FrameworkService } from './framework.service';

/**
 * A version number in the path; anything else names no version (404, like an unknown id). The
 * global validation pipe may already have turned the text into a number (NaN when it was not one).
 */
class VersionPipe implements PipeTransform<string | number, number> {
  transform(value: string | number): number {
    const text = String(value);
    if (!/^[1-9]\d{0,8}$/.test(text)) throw new NotFoundError('Framework version');
    return Number(text);
  }
}

/**
 * The stabilization-to-forgiveness framework: reference data, the same for every practice, so
 * any signed-in user may read it (staff and client portal accounts alike); it holds no tenant data.
 */
@ApiTags('framework')
@ApiBearerAuth()
@Controller('v1/framework')
export class FrameworkController {
  constructor(private readonly framework: FrameworkService) {}

  @Get()
  @ApiOperation({ summary: 'The current framework: steps in order, default check-in measures, starter homework library by step' })
  @ApiOkResponse({ type: FrameworkResponseDto })
  async current(): Promise<FrameworkResponseDto> {
    return FrameworkResponseDto.fromDetail(await this.framework.current());
  }

  @Get('versions')
  @ApiOperation({ summary: 'Every published framework version, oldest first (plans keep the version they started on)' })
  @ApiOkResponse({ type: FrameworkVersionListDto })
  async versions(): Promise<FrameworkVersionListDto> {
    return { data: (await this.framework.versions()).map((v) => FrameworkVersionSummaryDto.from(v)) };
  }

  @Get('versions/:version')
  @ApiOperation({ summary: 'One framework version with all its content, current or past' })
  @ApiParam({ name: 'version', type: Number, example: 1 })
  @ApiOkResponse({ type: FrameworkResponseDto })
  @ApiNotFoundResponse({ description: 'No such version was ever published' })
  async version(@Param('version', new VersionPipe()) version: number): Promise<FrameworkResponseDto> {
    return FrameworkResponseDto.fromDetail(await this.framework.get(version));
  }
}
